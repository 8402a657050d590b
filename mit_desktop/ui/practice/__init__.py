"""The practice screens: the flow that runs a practice, its pages, the player, the reflection and the check-in."""

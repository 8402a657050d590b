"""Reminders: the tray icon, the notifications at the chosen times and the dialog that sets them."""

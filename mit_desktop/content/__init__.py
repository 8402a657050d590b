"""What the program ships: the bundled MIT program (:mod:`.program`), crisis resources
(:mod:`.crisis`), what each module trains (:mod:`.module_training`), the session library
(:mod:`.library`), quiet practice (:mod:`.quiet`) and the reading of bundled data files
(:mod:`.datafiles`)."""

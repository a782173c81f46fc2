"""What each variant shows: the staged pages, files and assets of one (region, tier, version), and the links between them. Pure functions of the models."""

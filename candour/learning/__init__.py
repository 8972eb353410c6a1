"""Learning from many released reports: search, similar reports, error traps, double coding."""

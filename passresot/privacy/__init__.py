"""Personal data: the retention purge, what an account can download about itself, its audit trail."""

"""Request rate limits that every worker and host share (the database, or Redis when REDIS_URL is set)."""

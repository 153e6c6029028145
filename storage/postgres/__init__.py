"""The PostgreSQL backend (THREADBOT_DATABASE_URL): the same stores on a server several processes share."""

"""The shared service (issue #12): REST API, database, jobs, roles, audit trail, dashboard."""

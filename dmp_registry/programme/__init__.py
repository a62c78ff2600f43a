"""The digital-infrastructure programme: activities, goals, hours, status reports (issue 9)."""

"""The courses app's REST endpoints (under /api/v1/): thin views over selectors.py and services.py."""

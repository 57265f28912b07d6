"""The local web lab: FastAPI app and static page."""

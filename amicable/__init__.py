"""amicable: the backend of a consumer-complaint platform."""

__version__ = "0.1.0"

"""Inbound mail: three doors (smtpd, pipe, http), one pipeline (pipeline.py)."""

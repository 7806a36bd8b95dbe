"""Mail both ways, one floor per folder.

outbound/   composing, queueing and sending mail: infrastructure the operations call
inbound/    the three doors (smtpd, pipe, http) and the one pipeline behind them, which
            calls the operations
"""

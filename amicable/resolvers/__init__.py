"""The operations: plain async functions taking a Viewer (no GraphQL here).

The web API, the mail pipeline and the commands all call these, so a reply is one code
path whichever door it came through.
"""

"""The reception desk (受付): a small receipt-computer-like web app for a facility's staff.

It keeps its own patient registry and talks to central only through the terminal's file
interface (req/res/face folders), exactly as a third-party receipt computer would.
"""

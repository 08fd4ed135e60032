"""Thin views: parse the request, ask counties.access, call one selector or service, render."""

"""Warisan demo content: three fictional partner institutions, their records and scans.

Everything here is authored for the project's demo (``make demo``) and for other
packages' tests: ``demo.data`` loads partners and records, ``demo.feeds`` (with
``demo.marc``) serialises a record as oai_dc, MARCXML or MODS, ``demo.scans`` renders
page scans with ground truth, ``demo.repository`` adapts one partner to pyoai's server,
and ``demo.oai_server`` serves it all over OAI-PMH 2.0 on 127.0.0.1. See README.md.
"""

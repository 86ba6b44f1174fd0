"""OAI-PMH harvester: partner feeds → mapped records in the union catalogue.

Public entry points:

- :func:`harvester.harvest.harvest_partner` — one resumable, incremental harvest of a partner;
- :func:`harvester.remap.remap_partner` — map stored raw XML again, without harvesting;
- :func:`harvester.scans.fetch_scan` — the safe fetch of one scan URL;
- :class:`harvester.settings.HarvestSettings` — timeouts, retries and caps.

The package imports only :mod:`catalog`; the portal passes every setting in.
"""

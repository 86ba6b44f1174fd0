"""The libraries' settings are built from the portal config by one ``from_config`` each,
and the defaults documented in ``portal/config.py`` are the libraries' own."""

from __future__ import annotations

import pytest

import portal.config
from catalog.errors import ConfigError
from harvester.settings import HarvestSettings
from ingest.settings import IngestSettings

DEFAULTS = {k: v for k, v in vars(portal.config).items() if k.isupper()}


def test_documented_defaults_are_the_dataclass_defaults():
    assert HarvestSettings.from_config(DEFAULTS) == HarvestSettings()
    assert IngestSettings.from_config(DEFAULTS) == IngestSettings()
    assert HarvestSettings.from_config({}) == HarvestSettings()
    assert IngestSettings.from_config({}) == IngestSettings()


def test_config_values_reach_the_settings():
    harvest = HarvestSettings.from_config(
        {**DEFAULTS, "HARVEST_TIMEOUT": "30", "HARVEST_POLITENESS_DELAY": 0, "HARVEST_MAX_PAGES": 7}
    )
    assert (harvest.request_timeout, harvest.politeness_delay, harvest.max_pages) == (30.0, 0, 7)
    ingest = IngestSettings.from_config(
        {"INGEST_MAX_FILE_MB": 2, "OCR_RETRIES": 1, "OCR_RETRY_DELAY": 0.5, "WORKER_PROCESSES": 3}
    )
    assert ingest.max_file_bytes == 2 * 1024 * 1024
    assert (ingest.job_retries, ingest.job_retry_delay, ingest.processes) == (1, 0.5, 3)
    assert IngestSettings.from_config({"OCR_LANGUAGES": ""}).languages == "ind"
    reread = IngestSettings.from_config({"OCR_REREAD_LANGUAGES": "", "OCR_REREAD_BELOW": "70"})
    assert (reread.reread_languages, reread.reread_languages_below) == ("", 70.0)
    assert IngestSettings.from_config({}).reread_languages == "eng+ind"


@pytest.mark.parametrize(
    ("build", "setting"),
    [
        (HarvestSettings.from_config, "HARVEST_TIMEOUT"),
        (IngestSettings.from_config, "OCR_TIMEOUT"),
        (IngestSettings.from_config, "INGEST_MAX_FILE_MB"),
    ],
)
def test_a_setting_that_is_not_a_number_is_named(build, setting):
    with pytest.raises(ConfigError, match=setting) as info:
        build({setting: "soon"})
    assert info.value.fields["setting"] == setting

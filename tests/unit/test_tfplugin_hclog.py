"""Log level selection and line format (platformxe.tfplugin.hclog)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from platformxe.tfplugin.hclog import TRACE, configure_logging, level_from_env


@pytest.fixture(autouse=True)
def restore_platformxe_logger():
    """configure_logging reconfigures the "platformxe" logger; leave it as other tests expect."""
    logger = logging.getLogger("platformxe")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    yield
    logger.setLevel(saved[0])
    logger.propagate = saved[1]
    logger.handlers[:] = saved[2]


@pytest.mark.parametrize(
    ("env", "level"),
    [
        ({}, None),
        ({"TF_LOG": "off"}, None),
        ({"TF_LOG": "DEBUG"}, logging.DEBUG),
        ({"TF_LOG": "json"}, TRACE),
        ({"TF_LOG": "warn"}, logging.WARNING),
        ({"TF_LOG": "nonsense"}, TRACE),  # Terraform also falls back to TRACE
        ({"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "ERROR"}, logging.ERROR),  # provider-specific wins
        ({"TF_LOG_PROVIDER": "INFO"}, logging.INFO),
    ],
)
def test_level_from_env(env, level):
    assert level_from_env(env) == level


def test_lines_are_hclog_json_with_fields():
    out = io.StringIO()
    configure_logging({"TF_LOG_PROVIDER": "DEBUG"}, stream=out)
    log = logging.getLogger("platformxe.tfplugin.test")
    log.log(TRACE, "too detailed")
    log.info("configured", extra={"tf": {"tf_rpc": "ConfigureProvider", "n": 2, "obj": ["x"]}})
    [line] = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["@level"] == "info" and line["@message"] == "configured"
    assert line["tf_rpc"] == "ConfigureProvider" and line["n"] == 2 and line["obj"] == "['x']"
    assert line["@timestamp"].endswith("Z") and len(line["@timestamp"]) == 27


def test_logging_off_writes_nothing():
    out = io.StringIO()
    configure_logging({}, stream=out)
    logging.getLogger("platformxe.tfplugin").error("not shown")
    assert out.getvalue() == ""

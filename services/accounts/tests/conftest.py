"""Every accounts test seals secrets with a data key of its own, given in ACCOUNTS_DATA_KEY as an operator would."""

import pytest

from cars_shared.data_keys import new_data_key_text


@pytest.fixture(autouse=True)
def data_key(monkeypatch):
    key = new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", key)
    return key

"""SERVICE endpoints: only http(s) hosts whose every address is public."""

from __future__ import annotations

import pytest
from newsgraph.errors import QueryRefused
from newsgraph.sparql import federation


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.255.0.9", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # link-local, where cloud metadata services live
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("not an address", False),
    ],
)
def test_public_address(address: str, public: bool) -> None:
    assert federation.public_address(address) is public


@pytest.mark.parametrize(
    "iri",
    [
        None,
        "ftp://93.184.216.34/",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/sparql",
        "http://localhost/sparql",
        "http://[::1]/sparql",
        "http://2130706433/sparql",  # 127.0.0.1 written as one number
        "http://0x7f.1/sparql",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/sparql",
        "http://no-such-host.invalid/sparql",
        "http://93.184.216.34:99999/sparql",
    ],
)
def test_non_public_endpoints_are_refused(iri: str | None) -> None:
    with pytest.raises(QueryRefused):
        federation.check_endpoint(iri)


def test_a_public_address_passes() -> None:
    federation.check_endpoint("http://93.184.216.34/sparql")
    federation.check_endpoint("https://[2606:2800:220:1:248:1893:25c8:1946]:8443/sparql")

"""Deterministic valid identifiers for demo data, factories and benchmarks."""

from stdnum.cn import uscc

_REGIONS = {"11": "110105", "12": "120116", "44": "440300"}


def make_uscc(serial: int, region: str = "110105") -> str:
    """A valid 18-character USCC: '91' (enterprise), region, a 9-character body, check character."""
    body = f"{serial:09d}"
    partial = f"91{region}{body}"
    return partial + uscc.calc_check_digit(partial + "0")


def make_customs_code(serial: int, prefix: str = "11") -> str:
    return f"{prefix}{serial:08d}"[:10]

"""Public disclosure (SPEC §3 "Public disclosure", issue 6): per village and year, the
remuneration of its cadres, the awards and the living-allowance recipients, from locked
ledgers only, names masked, no ID numbers, no bank data, no internal ids. No login."""

__all__ = ["selectors"]

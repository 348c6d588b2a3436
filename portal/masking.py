"""Masking of sensitive fields (SPEC §2, §3): ID numbers in lists, bank accounts everywhere
but finance exports, names on public pages."""


def mask_id_number(value: str) -> str:
    """``110101199001011234`` → ``110***********1234``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str) -> str:
    """Only the last four digits stay: ``6222021234567890`` → ``************7890``."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_name(value: str) -> str:
    """For public disclosure: ``张三明`` → ``张*明``, ``张三`` → ``张*``."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value or len(value) < 8:
        return value or ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]

"""The portal's language (issue 10): Chinese unless the user chose another with the switch.

Django's ``LocaleMiddleware`` follows the browser's Accept-Language, so a browser set to
English showed an English portal nobody chose. Here only the switch counts: the language
cookie that ``set_language`` writes (kept for a year, ``LANGUAGE_COOKIE_AGE``), else
``LANGUAGE_CODE`` (zh-hans)."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` without Accept-Language: the chosen language or Chinese."""

    def process_request(self, request):
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

"""The reader's language: a signed-in user's chosen language (the header switch) wins over the browser's.
The browser's language is remembered at sign-in (``portal.views.LoginView``) so that notifications and
e-mails reach a user who never chose in the language they read (``User.reading_language``)."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """After ``LocaleMiddleware`` and ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)

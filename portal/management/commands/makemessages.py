"""Django's makemessages, also extracting the messages the system stores (``portal.messages.text`` and
``plural_text``) so that they are translated like every other string."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=text:1",
        "--keyword=plural_text:1,2",
    ]

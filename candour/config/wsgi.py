import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.config.settings.production")

application = get_wsgi_application()

from candour.core.startup import assert_database_ready  # noqa: E402  (needs Django set up)

assert_database_ready()

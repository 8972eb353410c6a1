import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.config.settings.production")

application = get_wsgi_application()

from candour.core.startup import assert_ready_to_serve  # noqa: E402  (needs Django set up)

assert_ready_to_serve()

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.config.settings.production")

application = get_asgi_application()

import os

from django.core.wsgi import get_wsgi_application

from config.democlock import start_from_env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
start_from_env()
application = get_wsgi_application()

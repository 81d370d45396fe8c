import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Web processes only (gunicorn imports this module; manage.py commands do not): the first
# customer PDF after a deploy should not pay for importing WeasyPrint and loading fonts.
# Not under DEBUG, where runserver reloads on every change.
if not settings.DEBUG:
    from doorstep.billing.pdf_render import pdf_renderer_warm

    pdf_renderer_warm()

"""Django's Content-Security-Policy middleware, with scripts narrowed to paths of this site.

`script-src 'self'` would also allow any file of this origin as a script, an uploaded `.js` among
them. CSP has no path-only source, so SECURE_CSP names paths behind the ORIGIN placeholder
(`{origin}/static/`) and this middleware writes the request's own origin in front of them."""

from django.core.exceptions import DisallowedHost
from django.middleware import csp
from django.utils.csp import CSP

ORIGIN = "{origin}"


def _origin(request) -> str:
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # a 400 for a foreign Host: it runs no script
        return "'none'"


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        for header in (CSP.HEADER_ENFORCE, CSP.HEADER_REPORT_ONLY):
            policy = response.get(header)
            if policy and ORIGIN in policy:
                response[header] = policy.replace(ORIGIN, _origin(request))
        return response

"""Running the app with uvicorn (``newsgraph serve``)."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.http_limits import bounded_protocol
from graph.errors import ConfigError
from graph.settings import Settings


def serve(settings: Settings) -> None:
    if settings.allow_update and settings.update_token is None:
        raise ConfigError(
            "setting NEWSGRAPH_UPDATE_TOKEN is not set: --allow-update needs a token that "
            "update requests must present"
        )
    app = create_app(settings)
    where = settings.store if settings.is_remote else str(settings.store_path.resolve())
    print(
        f"newsgraph: serving {where} at http://{settings.host}:{settings.port}/ "
        f"(SPARQL at /sparql)",
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,  # then queries still running are stopped
        http=bounded_protocol(settings.request_timeout),
    )

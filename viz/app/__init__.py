"""The live web app of ``backprop serve``: the Step, Formula and Train views over the engine.

`create_app` builds the ASGI application (Starlette); `serve` runs it with uvicorn.
"""

from .run import serve as serve
from .server import create_app as create_app

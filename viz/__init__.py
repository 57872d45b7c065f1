"""viz: pictures, tables and step-through views of graphs and networks, and the command line."""

from .drawing import DotNotFoundError as DotNotFoundError
from .drawing import Drawing as Drawing
from .graph import GraphTooLargeError as GraphTooLargeError
from .graph import draw_graph as draw_graph
from .network import draw_network as draw_network
from .stepper_html import export_html as export_html
from .steps import Frame as Frame
from .steps import Steps as Steps
from .steps import steps as steps
from .tables import Table as Table
from .tables import trace_tables as trace_tables
from .tables import worked_example_tables as worked_example_tables

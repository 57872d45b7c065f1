"""viz: pictures, tables and step-through views of graphs and networks, and the command line."""

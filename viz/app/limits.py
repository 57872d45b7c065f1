"""What one request to the live app may ask for, so that no request can hang or exhaust the
server while a student types: tighter than the library's own bounds (`nn.limits`: what a network
may be at all; `autograd_core.parse.MAX_FORMULA_CHARS`), which still apply beneath these."""

from nn.limits import MAX_SPEC_PARAMETERS

MAX_FORMULA_CHARS = 200  # the lecture's formulas are under 40 characters
MAX_FORMULA_NODES = 60  # each node makes a forward and a backward frame
MAX_STEP_EPOCHS = 20  # passes the Step view runs: each update adds its frames
MAX_POINTS = 500  # TensorFlow Playground's largest data set
MAX_FRAME_NUMBER = 100_000  # far past the frames of the largest view (the limits below)
MAX_HIDDEN_LAYERS = 4
MAX_UNITS_PER_LAYER = 8  # as in the Playground: a unit's image stays readable
MAX_BATCH_SIZE = MAX_POINTS
MAX_EPOCHS_PER_SESSION = 5000  # then the page says to reset
STREAM_SECONDS = 30.0  # one stream of updates trains this long; the page opens the next one
UPDATE_SECONDS = 0.06  # training between two snapshots sent (at least one mini-batch)
SEND_BUFFER_BYTES = 64 * 1024  # per connection: a few updates; a frame's SVG in a few writes
STREAM_HANDOVER_SECONDS = 2.0  # a new stream of a session waits this long for the old to end
MAX_SESSIONS = 64  # training sessions kept, all clients together (each well under 1 MB)
MAX_SESSIONS_PER_CLIENT = 8  # one browser's tabs; past this its own least recently used goes
SESSION_IDLE_SECONDS = 120.0  # a session unused this long may make room for another client's
MAX_STREAMS = 16  # streams of updates training at once, all clients together
STREAM_STALL_SECONDS = 10.0  # a stream whose reader takes no update for this long is closed
MAX_MESSAGE_CHARS = 300  # of an error message answered: a 5,000-digit value is not echoed
GRID = 40  # the decision boundary is computed on GRID × GRID points
UNIT_GRID = 20  # each hidden unit's image
# an address holds every number of a spec ("w12_13=-0.123456789&" < 40 characters), or the
# Train view's own points: "-0.123,-0.456,4;" with its commas and semicolon escaped (%2C, %3B)
# is 22 characters a point, and the other fields need far less than 1,000
MAX_QUERY_CHARS = max(40 * MAX_SPEC_PARAMETERS, 22 * MAX_POINTS + 1000)

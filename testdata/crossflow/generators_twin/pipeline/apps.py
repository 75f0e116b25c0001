from parsl import bash_app, python_app


@python_app
def render(frame, width=640):
    return f"frame-{frame:04d}-{width}.png"


@bash_app
def encode(pattern, stdout="encode.out", stderr="encode.err"):
    return f"ffmpeg -i {pattern} movie.mp4"

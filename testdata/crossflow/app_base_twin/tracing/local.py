"""A base class of the project's own that happens to be called ``AppBase``."""


class AppBase:
    def __init__(self, func, data_flow_kernel=None):
        self.func = func
        self.data_flow_kernel = data_flow_kernel

    def __call__(self, *args):
        return self.data_flow_kernel.submit(self.func, app_args=args)

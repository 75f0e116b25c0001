"""The language server behind ``parsl-lint server`` (LSP over stdio, built on pygls).

``projects`` keeps each project's settings and long-lived index; ``server`` turns editor
events into lint runs and results into LSP messages; ``actions`` holds the code actions;
``convert`` and ``positions`` translate findings, positions and edits.
"""

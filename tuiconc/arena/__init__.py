"""The child side of the process boundary: what runs inside a lane's own process.

Standard library only (aiohttp for the local HTTP server), no psutil, no Rich, no Textual:
`python -m tuiconc.arena` runs one lane, `tuiconc.arena.probe` describes an interpreter,
`tuiconc.arena.httpserver` is the local server the I/O workloads fetch from."""

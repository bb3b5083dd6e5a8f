"""The shared vocabulary and ports: what every capability and adapter speaks.

Plain values (`model`: actors, readings, statuses; `case`: cases, steps, timeline
events; `cards`: what the core asks adapters to show; `clocks`: durations, reminder
kinds, business hours; `reminder`; `outbox`: outbox rows, the `Messenger` port and
the errors it raises) and the ports (`ports`: clock, language detector, time parser;
`store_port`: `CaseStore`, what the core needs from storage).

May import: nothing else of the core (every other package imports this one).
"""

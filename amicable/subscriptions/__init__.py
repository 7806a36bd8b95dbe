"""Live events, one floor per part.

bus/        the event bus over our `Broadcast` (memory, Redis or Postgres) and the event
            types: infrastructure the operations publish on after commit
feeds       subscription generators: for each event, reload and ask the policy
"""

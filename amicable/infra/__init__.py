"""Infrastructure the operations call: their error vocabulary, input validation, keyset
pagination, rate limits and the score counters' buckets. Nothing here decides who may do
what (that is `amicable.policy`) or imports an operation."""

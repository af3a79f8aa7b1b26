"""Interop scenarios for Python Kafka clients (confluent-kafka, aiokafka) against Brook."""

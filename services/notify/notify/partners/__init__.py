"""The public event stream for integration partners: contracts, translator, feed, AMQP publisher, webhooks."""

"""Django's Redis cache, keeping one Redis client instead of making one per operation.

Django's RedisCacheClient.get_client() builds a new redis.Redis for every get and set,
and each one fills a table of about 170 reply parsers: on a page-cache hit (one read of
two keys) that took longer than the read itself. A redis.Redis holds no connection of its
own (its pool does) and is safe to share between threads, so one per server (pool) is kept."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django's choice of server
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

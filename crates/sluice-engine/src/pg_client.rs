//! A blocking PostgreSQL connection: `tokio-postgres` driven by a single-threaded runtime
//! of its own, as the `postgres` crate does, plus what that crate cannot do — write
//! several requests before reading the first answer ([`Client::pipeline`]), so that a
//! migration's statements, its bookkeeping and its `COMMIT` travel in one round trip.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Config, Error, Row, SimpleQueryMessage, Socket, Statement, ToStatement};

use sluice_core::engine::DbError;

/// One server session.
pub(crate) struct Client {
    runtime: Runtime,
    client: Option<tokio_postgres::Client>,
    connection: Option<tokio::task::JoinHandle<()>>,
}

/// The answers of a [`Client::pipeline`], one per request, in the order they were sent.
pub(crate) struct Answers {
    pub(crate) begin: Result<(), Error>,
    pub(crate) batch: Result<(), Error>,
    pub(crate) query: Result<Vec<Row>, Error>,
    pub(crate) last: Result<(), Error>,
}

impl Client {
    /// Connects; the connection's messages are read while a request of this client waits.
    pub(crate) fn connect<T>(config: &Config, tls: T) -> Result<Client, DbError>
    where
        T: MakeTlsConnect<Socket> + 'static + Send,
        T::TlsConnect: Send,
        T::Stream: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbError::msg(format!("cannot start the PostgreSQL client: {e}")))?;
        let (client, connection) = runtime
            .block_on(config.connect(tls))
            .map_err(|e| crate::postgres::map_error(&e))?;
        // Spawned on this runtime: it runs whenever a request blocks on the runtime.
        let connection = runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(Client {
            runtime,
            client: Some(client),
            connection: Some(connection),
        })
    }

    fn inner(&self) -> &tokio_postgres::Client {
        self.client.as_ref().expect("open until dropped")
    }

    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.runtime.block_on(self.inner().batch_execute(sql))
    }

    pub(crate) fn simple_query(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>, Error> {
        self.runtime.block_on(self.inner().simple_query(sql))
    }

    pub(crate) fn execute<T>(&mut self, q: &T, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime.block_on(self.inner().execute(q, params))
    }

    pub(crate) fn query<T>(
        &mut self,
        q: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime.block_on(self.inner().query(q, params))
    }

    pub(crate) fn query_one<T>(
        &mut self,
        q: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime.block_on(self.inner().query_one(q, params))
    }

    pub(crate) fn query_opt<T>(
        &mut self,
        q: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime.block_on(self.inner().query_opt(q, params))
    }

    /// The `*_typed` calls name each parameter's type, so the statement is parsed, bound
    /// and run in one round trip (the others first ask the server for the types).
    pub(crate) fn query_typed(
        &mut self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Vec<Row>, Error> {
        self.runtime.block_on(self.inner().query_typed(sql, params))
    }

    pub(crate) fn query_typed_one(
        &mut self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Row, Error> {
        self.runtime
            .block_on(self.inner().query_typed_one(sql, params))
    }

    pub(crate) fn query_typed_opt(
        &mut self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Option<Row>, Error> {
        self.runtime
            .block_on(self.inner().query_typed_opt(sql, params))
    }

    pub(crate) fn execute_typed(
        &mut self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<u64, Error> {
        self.runtime
            .block_on(self.inner().execute_typed(sql, params))
    }

    pub(crate) fn prepare(&mut self, sql: &str) -> Result<Statement, Error> {
        self.runtime.block_on(self.inner().prepare(sql))
    }

    /// Starts a transaction, rolled back unless committed.
    pub(crate) fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        self.batch_execute("BEGIN")?;
        Ok(Transaction {
            client: self,
            done: false,
        })
    }

    /// Whether the session is gone (the server closed it, or the network did).
    pub(crate) fn is_closed(&self) -> bool {
        self.inner().is_closed()
    }

    /// Writes four requests before reading any answer — `begin`, `batch` and `last` as
    /// simple queries, `query` with `params` in the extended protocol — and returns the
    /// four answers. The server runs them in order; once a statement fails inside a
    /// transaction it refuses what follows until the transaction ends.
    pub(crate) fn pipeline(
        &mut self,
        begin: &str,
        batch: &str,
        query: &Statement,
        params: &[&(dyn ToSql + Sync)],
        last: &str,
    ) -> Answers {
        let c = self.inner();
        // join! polls them in the order written on its first pass: each request is queued
        // for the connection before the first answer is awaited.
        let (begin, batch, query, last) = self.runtime.block_on(async {
            tokio::join!(
                c.batch_execute(begin),
                c.batch_execute(batch),
                c.query(query, params),
                c.batch_execute(last)
            )
        });
        Answers {
            begin,
            batch,
            query,
            last,
        }
    }
}

/// An open transaction of a [`Client`]: rolled back when dropped uncommitted.
pub(crate) struct Transaction<'a> {
    client: &'a mut Client,
    done: bool,
}

impl Transaction<'_> {
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.client.batch_execute(sql)
    }

    pub(crate) fn execute<T>(&mut self, q: &T, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.client.execute(q, params)
    }

    pub(crate) fn query_one<T>(
        &mut self,
        q: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, Error>
    where
        T: ?Sized + ToStatement,
    {
        self.client.query_one(q, params)
    }

    pub(crate) fn commit(mut self) -> Result<(), Error> {
        self.done = true;
        self.client.batch_execute("COMMIT")
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Without a client the connection says goodbye (Terminate) and ends; give it the
        // time to, so the server does not log an unexpected end of the session.
        drop(self.client.take());
        if let Some(connection) = self.connection.take() {
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(2), connection).await });
        }
    }
}

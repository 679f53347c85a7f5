import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** bench/cluster.sh: a real PostgreSQL 14 from a jar on the given port (user and password postgres) until killed. */
public class EmbeddedPostgresServer {
    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder().setPort(Integer.parseInt(args[0])).start()) {
            System.out.println("READY " + postgres.getJdbcUrl("postgres", "postgres"));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}

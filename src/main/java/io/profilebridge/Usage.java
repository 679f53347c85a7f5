package io.profilebridge;

/** What {@code --help} prints: the commands, where the configuration comes from, and the keys most people set. */
final class Usage {

    static final String TEXT = """
            profile-bridge: drives the OpenProspect and Orbit asynchronous APIs from files and JMS (Apache Camel Main)

            Commands:
              java -jar profile-bridge.jar                    run the bridge until Ctrl-C or SIGTERM
              java -jar profile-bridge.jar simulate [--port 8099] [--KNOB VALUE ...]
                                                              only the two simulated APIs, on loopback, until stopped
              java -jar profile-bridge.jar check FILE|DIR...  validate request files offline; exit 1 if one is invalid
              java -jar profile-bridge.jar --help             this text
              java -jar profile-bridge.jar -duration SECONDS [-exitcode N]
                                                              the bridge for that long; Camel's runner options, README
              CAMEL_MAIN_PROFILE=sandbox java -jar profile-bridge.jar
                                                              the demo: both APIs simulated in-process, with samples

            Configuration, strongest first:
              environment variables: the key in upper case, . and - as _ (orbit.api-key = ORBIT_API_KEY),
                and JVM system properties (-Dorbit.api-key=...)
              config/application-<profile>.properties in the working directory, then in the jar's folder (when the
                bridge runs from another folder), then the profile's file inside the jar
              config/application.properties the same three ways; the one inside the jar holds every key with its
                default and a comment (unzip -p profile-bridge.jar application.properties). A profile's packaged file
                beats your plain one: change a key the profile sets in config/application-<profile>.properties
              CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION replaces that list of files.
            Routes: routes/*.camel.yaml inside the jar, then in the jar's folder, then in the working directory (a file
              of a name found before replaces that one, others add routes); CAMEL_MAIN_ROUTES_INCLUDE_PATTERN replaces them.

            Main properties:
              openprospect.api-key, orbit.api-key     bearer keys; set them in the environment
              openprospect.base-url, orbit.base-url   API roots
              bridge.inbox, bridge.outbox             request and result folders (inbox, outbox)
              bridge.data                             local state: embedded job store and broker journal (data)
              bridge.store.url                        job store JDBC URL; jdbc:postgresql://... for several instances
              bridge.jms.enabled                      consume and produce JMS (true)
              bridge.jms.broker-url                   external broker; empty = embedded on bridge.jms.embedded-url
              camel.management.host, .port            status page, /jobs, /observe/health, /observe/metrics (127.0.0.1:9876)
              camel.main.profile                      sandbox (the demo) or cluster (shared PostgreSQL and broker);
                                                      CAMEL_MAIN_PROFILE or -D, never in a file
            """;

    private Usage() {}
}

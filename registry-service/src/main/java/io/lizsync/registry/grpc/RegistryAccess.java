package io.lizsync.registry.grpc;

import static io.lizsync.grpckit.auth.Roles.ADMINISTRATOR;
import static io.lizsync.grpckit.auth.Roles.FIELD;
import static io.lizsync.grpckit.auth.Roles.OPERATOR;
import static io.lizsync.grpckit.auth.Roles.SERVICE;

import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;

/**
 * Who may call each RPC of registry-service: the one table (the interceptor refuses what it does
 * not name; it does not build if an RPC is left out). Open calls carry their own credential.
 */
public final class RegistryAccess {

    private RegistryAccess() {
    }

    public static AccessPolicy policy() {
        return AccessPolicy.builder()
                .services(RegistryServiceGrpc.getServiceDescriptor())
                .openService("grpc.health.v1.Health")
                // the credential is in the request: a password, a session token, an API token
                .anyone(RegistryServiceGrpc.getAuthenticateMethod())
                .anyone(RegistryServiceGrpc.getIssueAccessTokenMethod())
                .anyone(RegistryServiceGrpc.getGetUserForTokenMethod())
                .anyone(RegistryServiceGrpc.getLogoutMethod())
                // servers and their credentials
                .roles(RegistryServiceGrpc.getRegisterServerMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getGetServerMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(RegistryServiceGrpc.getListServersMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(RegistryServiceGrpc.getUpdateServerStatusMethod(), ADMINISTRATOR, SERVICE)
                .roles(RegistryServiceGrpc.getDeleteServerMethod(), ADMINISTRATOR)
                // SERVICE: central's exchange, for an assigned deploy (ADR 0015), and only for a ticket that
                // re-registers an existing clone (checked by the handler: TicketRules.serviceMayIssue)
                .roles(RegistryServiceGrpc.getIssueRegistrationTicketMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // central's exchange, for the clone that presents the ticket
                .roles(RegistryServiceGrpc.getRedeemRegistrationTicketMethod(), SERVICE)
                .roles(RegistryServiceGrpc.getCheckRegistrationTicketMethod(), SERVICE)
                .roles(RegistryServiceGrpc.getListCloneChangesMethod(), SERVICE)
                .roles(RegistryServiceGrpc.getVerifyCloneCredentialMethod(), SERVICE)
                .roles(RegistryServiceGrpc.getRevokeCloneCredentialMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getListCloneCredentialsMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getGetServerTablesMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // devices
                .roles(RegistryServiceGrpc.getRegisterDeviceMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .roles(RegistryServiceGrpc.getListDevicesMethod(), ADMINISTRATOR, OPERATOR)
                .roles(RegistryServiceGrpc.getGetDeviceMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // the caller's own device (the device flow of the gateway): refused when blocked or another user's
                .roles(RegistryServiceGrpc.getUseDeviceMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .roles(RegistryServiceGrpc.getBlockDeviceMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getUnblockDeviceMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getForgetDeviceMethod(), ADMINISTRATOR)
                // users, roles, API tokens
                .roles(RegistryServiceGrpc.getCreateUserMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getListUsersMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getCreateRoleMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getListRolesMethod(), ADMINISTRATOR, OPERATOR)
                .roles(RegistryServiceGrpc.getCreateApiTokenMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getListApiTokensMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getRevokeApiTokenMethod(), ADMINISTRATOR)
                .roles(RegistryServiceGrpc.getVerifyApiTokenMethod(), SERVICE)
                // projects
                .roles(RegistryServiceGrpc.getCreateProjectMethod(), ADMINISTRATOR, OPERATOR)
                .roles(RegistryServiceGrpc.getGetProjectMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .roles(RegistryServiceGrpc.getListProjectsMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .roles(RegistryServiceGrpc.getSetProjectTablesMethod(), ADMINISTRATOR, OPERATOR)
                .roles(RegistryServiceGrpc.getListProjectLayersMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .roles(RegistryServiceGrpc.getAddProjectDocumentMethod(), ADMINISTRATOR, OPERATOR)
                .roles(RegistryServiceGrpc.getListProjectDocumentsMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE)
                .build();
    }
}

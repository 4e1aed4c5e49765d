/// Accounts, regions and resource types of the simulated clouds.
enum CloudCatalog {
    struct Cloud: Sendable {
        var cloudType: String
        var accounts: [(id: String, name: String)]
        var regions: [(id: String, name: String)]
        var resourceTypes: [(type: String, apiName: String, service: String)]
    }

    static let clouds: [String: Cloud] = [
        "aws": Cloud(
            cloudType: "aws",
            accounts: [("111111111111", "prod-payments"), ("222222222222", "staging"), ("333333333333", "data-lake")],
            regions: [("us-east-1", "AWS Virginia"), ("eu-west-1", "AWS Ireland"), ("ap-southeast-2", "AWS Sydney")],
            resourceTypes: [
                ("SECURITY_GROUP", "aws-ec2-describe-security-groups", "Amazon VPC"),
                ("S3_BUCKET", "aws-s3api-get-bucket-acl", "Amazon S3"),
                ("INSTANCE", "aws-ec2-describe-instances", "Amazon EC2"),
                ("IAM_ROLE", "aws-iam-list-roles", "AWS IAM"),
            ]),
        "azure": Cloud(
            cloudType: "azure",
            accounts: [
                ("7a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b", "corp-subscription"), ("8b2c3d4e-1111-4f60-9bac-1d2e3f4a5b6c", "dev-subscription"),
            ],
            regions: [("eastus", "Azure East US"), ("westeurope", "Azure West Europe")],
            resourceTypes: [
                ("STORAGE_ACCOUNT", "azure-storage-account-list", "Azure Storage"),
                ("SQL_SERVER", "azure-sql-server-list", "Azure SQL Database"),
                ("VIRTUAL_MACHINE", "azure-vm-list", "Azure Virtual Machines"),
            ]),
        "gcp": Cloud(
            cloudType: "gcp",
            accounts: [("prod-analytics-381212", "prod-analytics"), ("shared-vpc-102938", "shared-vpc")],
            regions: [("us-central1", "GCP Iowa"), ("europe-west4", "GCP Netherlands")],
            resourceTypes: [
                ("INSTANCE", "gcloud-compute-instances-list", "Google Compute Engine"),
                ("BUCKET", "gcloud-storage-buckets-list", "Google Cloud Storage"),
            ]),
        "oci": Cloud(
            cloudType: "oci",
            accounts: [("ocid1.tenancy.oc1..aaaaaaaexample", "oci-tenancy")],
            regions: [("us-ashburn-1", "OCI Ashburn")],
            resourceTypes: [("BUCKET", "oci-objectstorage-bucket", "OCI Object Storage")]),
        "alibaba_cloud": Cloud(
            cloudType: "alibaba_cloud",
            accounts: [("5012345678901234", "alibaba-main")],
            regions: [("cn-hangzhou", "Alibaba Hangzhou")],
            resourceTypes: [("RAM_POLICY", "alibaba-cloud-ram-password-policy", "Resource Access Management")]),
    ]
}
